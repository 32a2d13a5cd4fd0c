"""What every app's pages share: the page decorators (login, the acting workspace, the role a
page needs), domain errors shown as messages or form errors, keyset paging of long lists, and
the filters of ``{% load pages %}`` (``templatetags``). The pages themselves live with their app
(``connectors.views``, ``syncs.views``, ...)."""
