"""Pages for contextual safeguarding, under /contextual/, one module per area.

Thin: each view loads through a selector, calls one service and renders. Places,
persons of concern and peer groups are for contextual staff (``contextual.see_contexts``);
a child's pages follow the access rule too. Anything the user may not open reads
exactly like something that does not exist. ``common`` holds what the areas share.
"""
