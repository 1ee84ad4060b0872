-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY idx_action_history_created ON action_history (created_at);

-- +goose Down
DROP INDEX CONCURRENTLY idx_action_history_created;
