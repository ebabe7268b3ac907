"""Record shapes, builders and state dumps of each area of the conformance suite.

One module per area: `hosts`, `instances`, `flavors`, `volume`.  A module holds
what belongs to its area only:

- record shapes: ``NAME = record_shape(column=(type, nullable), ...)`` per model,
  for `helpers.assert_record`, plus the area's computed keys and relation sets;
- builders: ``make_<thing>(db, ctx, **overrides)`` creating a row through the
  public API only (``db`` is the `novadb` module the `db` fixture gives, so the
  same test runs on every driver), and ``<thing>_values(**overrides)`` where a
  test needs the values dict itself;
- state dumps: ``<area>_state(db)``, everything the area's readers show (deleted
  rows included), for `helpers.writes_nothing` and `helpers.assert_guarded`;
- record assertions built on those shapes (``assert_<thing>``).

What more than one area uses (`assert_record`, `raises`, contexts, `unique`,
`new_uuid`, `writes_nothing`, the race harness, `record_shape`) stays in
`novadb.conformance.helpers`.  An area module imports from helpers and, where its
records nest another area's (an instance's `instance_type` is a flavor), from
that area's module; helpers never imports from here.

The record shapes are written out by hand from the models specification (columns,
Python types and nullability per model), deliberately independent of
`novadb.schema`: a test must not pass because the schema declaration and the code
agree on a mistake.  Never derive a shape from `novadb.schema`.

A new area adds ``builders/<area>.py`` with a module docstring naming the area,
its shapes, builders and state dump, and one ``__all__`` listing every public
name, written once.  Tests import the names they use from the module::

    from novadb.conformance import helpers as h
    from novadb.conformance.builders.hosts import SERVICE, hosts_state, make_service

Define each name once.  A shape lives in the module of its model's area and other
areas import it from there (instances.py takes `INSTANCE_TYPE` from flavors.py);
a helper with no model of its own that a second area needs moves to helpers.
`SECURITY_GROUP` is in instances.py only because an instance record nests it: it
moves to the security area's module when that arrives.
This file holds only this description: a new module needs no registration here.
"""
