# A user's server for EmpathyDesk on Zero to JupyterHub: Voila and the lessons, no database driver needed.
# Build from the checkout's root: docker build -f workshop/jupyterhub/user.Dockerfile -t REGISTRY/empathydesk-user:0.1.0 .
FROM quay.io/jupyterhub/k8s-singleuser-sample:4.4.0
USER root
COPY . /tmp/empathydesk
RUN python3 -m pip install --no-cache-dir /tmp/empathydesk "jupyterhub==5.5.0" && rm -rf /tmp/empathydesk
USER ${NB_USER:-jovyan}
