-- +goose Up
CREATE TABLE action_history (
    id          BIGSERIAL PRIMARY KEY,
    action      TEXT        NOT NULL,
    resource    TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_action_history_resource ON action_history (resource);

-- +goose Down
DROP TABLE action_history;
