"""The capture layer: the platforms' own data (exports as files, and later their live APIs) turned
into capture items that the application records through its idempotent capture path."""
