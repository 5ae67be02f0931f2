"""One codec per protocol the probes and the reflector speak: reflector session/probe, STUN, SIP, STAMP, port opening.

Both ends import these modules; nothing here opens a socket on its own or imports the survey.
"""
