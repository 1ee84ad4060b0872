-- migrate:up transaction:false
create index concurrently items_stock on items (stock);

-- migrate:down
drop index items_stock;
