-- migrate:up
create table items (
  sku text primary key,
  stock integer not null default 0
);

-- migrate:down
drop table items;
