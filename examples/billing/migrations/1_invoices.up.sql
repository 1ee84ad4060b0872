CREATE TABLE invoices (
    id         BIGSERIAL PRIMARY KEY,
    account    TEXT        NOT NULL,
    total      NUMERIC     NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX invoices_account ON invoices (account);
