"""EmpathyDesk on JupyterHub: a hub-managed service owns the database, the users' servers hold no secret.

The design of ngshare (nbgrader's exchange as a JupyterHub service), for the workshop's answers:

- `service`: the EmpathyDesk service, a Tornado app the hub starts (``python -m empathydesk.hub.service``).
  It alone has the database URL. Every request is authenticated with `jupyterhub.services.auth` (a user's
  hub token, or the service's own OAuth cookie in a browser): a participant reads and saves only their own
  answers; facilitators (the custom scope `people.FACILITATE`, given by a hub role) see their cohorts'
  results, as `privacy.cohort_view` and `cohort_export.cohort_rows` allow.
- `people`: who a hub user is in the store (their participant, their cohorts from hub groups, the cohorts
  they facilitate from their scopes).
- `client`: `ApiStore`, the store of a page on a user's server (`EMPATHYDESK_API_URL` set): the `Store`
  methods the pages call, over the service's REST API with the user's own token ($JUPYTERHUB_API_TOKEN).
- `join`: the landing page's piece on the hub (no join code or personal link: the hub knows who you are;
  you choose the name the facilitator sees, and whether they may see your answers).
- `config`: the pieces of a `jupyterhub_config.py` (the service, its roles, the users' servers); see
  workshop/jupyterhub/.
- `wire`: the records (answers, participants) as JSON, both ways.
"""
