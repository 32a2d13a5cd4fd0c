"""What the apps above the connectors add to the connector's pages and admin, without the
connectors importing them (as NetBox's plugins extend its object pages). Each app adds its parts
when Django starts: syncs adds a connector's sync activity and uploads, the latest sync of each
listed connector, what a deletion takes with it, what saving a schedule starts, and the admin's
sync actions (``syncs/connector_pages.py``, ``syncs/admin.py``)."""


class Extension(list):
    """The parts the apps above added; a page calls every one."""

    def add(self, part):
        self.append(part)
        return part


#: ``(connector) -> dict``: more of the connector page's context.
connector_page = Extension()
#: ``(queryset) -> queryset``: the connector list's rows with more columns.
connector_list = Extension()
#: ``(connector) -> dict``: what the delete confirmation says a deletion takes with it.
connector_delete = Extension()
#: ``(schedule) -> str``: what saving a connector with this schedule starts, as a sentence.
schedule_saved = Extension()
#: Admin actions on the selected connectors.
admin_actions = Extension()
