"""Privacy by design: what cyclemap stores, and how a person forgets or exports it.

    stores    the registry of everything cyclemap keeps about a couple (label cache,
              saved records, the web app's database), each able to forget and export
    records   saved safety checks, assessments and other answers, one file each, sealed
              when the data folder is encrypted
    logs      the logging policy: counts and ids, never message text or names

See docs/privacy.md.
"""
