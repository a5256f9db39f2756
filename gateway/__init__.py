"""The ASGI gateway: settings, authentication, middleware, health checks and the CLI."""
