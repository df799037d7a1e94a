"""Live sources: the platforms' APIs polled over HTTP (httpx), each connector returning its
responses as a ``LiveBundle`` that the format readers read exactly as they read a saved file —
so a poll and a file import take the same path. Webhooks are pure functions over the raw request
(``webhooks``). Base URLs, timeouts and secrets come in as arguments: nothing here reads the
configuration or the credentials store."""
