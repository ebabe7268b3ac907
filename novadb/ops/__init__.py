"""Operator tools, written once on the `novadb.store.Store` interface so that
they work on every store driver: archiving and purging soft-deleted rows
(`archive`), copying a cloud's data between any two stores and dumping it to a
file (`transfer`), opening a store named by a URL or driver name (`stores`).
`novadb-manage` is their command line."""
