"""Supervision (uppsikt, BBS-lagen 3–5 §§): what the body tells the users of a channel, the
checks every comment gets when it is recorded (flags: personal data, lexicon terms), response
targets in Swedish working hours, and the editors' resolutions and removal notices.

Flags are observations, not decisions: they are computed by pure functions here, from the
comment's text and the lexicon in force when it was recorded, so that a rebuild gives the same."""
