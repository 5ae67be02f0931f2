"""The VoIP readiness rule registry (explicit registration, see ``checks.registry``)."""
