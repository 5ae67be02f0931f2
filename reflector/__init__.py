"""The far-end reflector: UDP echo with timestamps and received DSCP, SIP echo, STUN, STAMP, port answers.

Runs from its own entry point (`python -m reflector`) and imports only the wire codecs and the standard
library plus pydantic, so a far-end host needs none of the survey's dependencies.
"""
