"""The network-namespace lab used by tests, benchmarks and `assess demo --lab`."""

from assess.lab.config import Addressing, Impairment, LabConfig, RelayConfig, RouterConfig, Services
from assess.lab.impair import DirectionTruth, RelayTruth
from assess.lab.lab import Lab
from assess.lab.netns import LabError

__all__ = [
    "Addressing",
    "DirectionTruth",
    "Impairment",
    "Lab",
    "LabConfig",
    "LabError",
    "RelayConfig",
    "RelayTruth",
    "RouterConfig",
    "Services",
]
