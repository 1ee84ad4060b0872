-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION action_history_count(res TEXT) RETURNS BIGINT AS $$
BEGIN
    RETURN (SELECT count(*) FROM action_history WHERE resource = res);
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION action_history_count(TEXT);
