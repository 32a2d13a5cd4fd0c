from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from connectors.permissions import workspaces_for


@login_required
def home(request):
    return render(request, "home.html", {"workspaces": workspaces_for(request.user)})
