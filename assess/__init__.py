"""assess: VoIP network readiness and QoS assessment."""

__version__ = "0.1.0"
