"""The scoring service (`cqdt serve`): the rulesets a server was started with, over HTTP as JSON.

``settings`` holds what the server serves and its limits, ``catalogue`` describes rulesets, ``scoring``
turns a request body into results, ``problems`` turns errors into RFC 9457 problem details, ``openapi``
describes every route, and ``app`` builds the ASGI application (Starlette, imported only here)."""
