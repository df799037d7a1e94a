"""The pure model of kanalarkiv: aggregates, their events (the public, versioned contract of
the log) and the rules that decide them. No I/O, no clock, no logging: time and actor are
arguments, and every ``apply`` only assigns state so that history replays forever."""
