"""The fuzzing run takes minutes: it runs only when asked for with ``-m fuzz`` (CI does)."""


def pytest_collection_modifyitems(config, items):
    if "fuzz" in (config.option.markexpr or ""):
        return
    skipped = [item for item in items if item.get_closest_marker("fuzz")]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if not item.get_closest_marker("fuzz")]
