"""Volume area: volumes and their metadata, snapshots, volume types and their extra
specs, the iSCSI target pool, the EC2 ids of volumes and snapshots, and the
storage-manager tables."""
from __future__ import annotations

from novadb.generic.volume.sm import StorageManagerAPI
from novadb.generic.volume.snapshots import SnapshotsAPI
from novadb.generic.volume.targets import TargetsAPI
from novadb.generic.volume.types import VolumeTypesAPI
from novadb.generic.volume.volumes import VOLUME_RELATIONS, VolumesAPI


class VolumeAPI(VolumesAPI, SnapshotsAPI, VolumeTypesAPI, TargetsAPI, StorageManagerAPI):
    """The 57 functions of the volume area."""


__all__ = ["VolumeAPI", "VOLUME_RELATIONS"]
