# The Zero to JupyterHub hub image with EmpathyDesk (its service runs in the hub's pod).
# Build from the checkout's root: docker build -f workshop/jupyterhub/hub.Dockerfile -t REGISTRY/empathydesk-hub:0.1.0 .
FROM quay.io/jupyterhub/k8s-hub:4.4.0
USER root
COPY . /tmp/empathydesk
RUN python3 -m pip install --no-cache-dir "/tmp/empathydesk[hub]" "jupyterhub==5.5.0" && rm -rf /tmp/empathydesk
USER ${NB_USER:-jovyan}
