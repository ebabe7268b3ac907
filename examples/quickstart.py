"""A first run of novadb on the embedded default: a SQLite file in the current directory.

    python examples/quickstart.py

Creates the schema, registers a compute host, groups it in an aggregate, boots an
instance record and lists what the scheduler would see.  Run it twice: the data is
in ./nova.sqlite.
"""
import novadb as db
from novadb import context, migration

migration.db_sync()  # creates ./nova.sqlite (Alembic) and seeds the five default flavors
admin = context.get_admin_context()
print(f"schema version {migration.db_version()} on {db.config.sql_connection()}")

service = db.service_get_by_host_and_topic(admin, "compute1", "compute")
if service is None:
    service = db.service_create(admin, {"host": "compute1", "binary": "nova-compute",
                                        "topic": "compute"})
    db.compute_node_create(admin, {
        "service_id": service.id, "vcpus": 16, "memory_mb": 65536, "local_gb": 1000,
        "vcpus_used": 0, "memory_mb_used": 0, "local_gb_used": 0,
        "hypervisor_type": "QEMU", "hypervisor_version": 1002000,
        "hypervisor_hostname": "compute1.example.org", "cpu_info": "{}",
        "stats": {"num_instances": 0}})
    aggregate = db.aggregate_create(admin, {"name": "ssd-hosts", "availability_zone": "az1"},
                                    metadata={"disk": "ssd"})
    db.aggregate_host_add(admin, aggregate.id, "compute1")

tenant = context.RequestContext("alice", "project-a")
flavor = db.instance_type_get_by_name(tenant, "m1.small")
instance = db.instance_create(tenant, {
    "project_id": "project-a", "user_id": "alice", "host": "compute1",
    "instance_type_id": flavor.id, "vcpus": flavor.vcpus, "memory_mb": flavor.memory_mb,
    "vm_state": "building", "display_name": "web-1", "metadata": {"role": "web"}})
db.instance_update(tenant, instance.uuid, {"vm_state": "active"})

print(f"flavors: {[f.name for f in db.instance_type_get_all(admin)]}")
print(f"aggregates of compute1: "
      f"{[(a.name, a.metadetails) for a in db.aggregate_get_by_host(admin, 'compute1')]}")
for svc, cores in db.service_get_all_compute_sorted(admin):
    print(f"host {svc.host}: {cores} vCPUs in use")
mine = db.instance_get_all_by_filters(tenant, {"vm_state": "active"}, sort_key="id")
print(f"alice's active instances: {[(i.name, i.display_name) for i in mine]}")
print(f"cloud totals: {db.compute_node_statistics(admin)}")
