"""The toolkit a dialect is written with, and all a dialect author needs to read.

::

    gateway/            the app: ASGI entry, middleware, auth, health, settings, CLI
       |  imports
    dialects/<vendor>/  one package a vendor: its routes, schemas, client object, errors
       |
    dialects/laravel.py, dialects/nextjs.py    conventions of a family of vendors
       |
    dialects/kit/       base (the Dialect contract), calls (Call, @endpoint, Services),
       |                routing (resource, Routes), errors, bodies, responses, wire (the
       |                client object), paging (page strategies), idempotency
       |                (@idempotent creates), formats
    core/               the store: services, tables, compiled statements, migrations

Each layer imports only the layers below it (``tests/test_layers.py`` walks the imports). What a
call needs from the app is ``calls.Services``, a protocol the app implements.
"""
