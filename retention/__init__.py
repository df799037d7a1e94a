"""Retention and disposal (bevarande och gallring) on an immutable log.

The records plan (dokumenthanteringsplan) gives every record a class and every class a rule;
disposal holds (gallringsstopp) stop disposal; a disposal decision destroys the per-record keys
under which content is encrypted (crypto-shredding), so the content is gone from the log and from
every copy built from it, while the events that prove the records existed — and were disposed of,
under which decision — stay readable and verifiable.

Pure model: ``plan``, ``holds``, ``disposal``, ``content``. Infrastructure: ``keystore``,
``sealing`` (the mapper the application stores events through), ``service``, ``projection``.
"""
