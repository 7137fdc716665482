#!/usr/bin/env bash
# The README quick start, for real, on this machine, with no AWS account: one command that installs what is missing,
# builds cloudlift, starts the local AWS emulator (moto + a Docker registry that answers as ECR), seeds it like a fresh
# account, and runs the whole flow through the real CLI, printing each command first:
#   create_environment -> edit_config -> create_service -> deploy_service -> get_version, then an HTTP request
#   answered by the deployed container through its load balancer
#
#   sudo bash examples/demo.sh          # (root: the testbed maps the ECR host name and serves it on 127.0.0.1:443)
#
# The emulator keeps running afterwards so you can try more commands; the last lines say how to use and stop it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# A new environment name per run (demo12345): the emulator keeps what earlier runs created.
ENVIRONMENT=${DEMO_ENVIRONMENT:-demo$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
APP=hello
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
show() { printf '\n\033[36m$ %s\033[0m\n' "$*" >&2; }
cloudlift() { node "$ROOT/bin/cloudlift.mjs" "$@"; }
# Runs a cloudlift command in the current folder, printing it first.
run() {
  show "cloudlift $*"
  cloudlift "$@"
}
if [[ $(id -u) != 0 ]]; then
  echo "demo: run as root (sudo bash examples/demo.sh): the local ECR registry needs /etc/hosts and port 443" >&2
  exit 1
fi

step "1/4 Install what is missing (docker, docker-registry, busybox-static, openssl; moto must be in a Python)"
bash test/testbed/install.sh

step "2/4 Build cloudlift"
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi
if [[ ! -f dist/main.mjs || -n $(find src -newer dist/main.mjs -print -quit) ]]; then
  node scripts/build.mjs
fi

step "3/4 Start the local AWS emulator and seed it like a fresh account"
node test/testbed/testbed.mjs start
eval "$(node test/testbed/testbed.mjs env)"
WORK=$(mktemp -d /tmp/cloudlift-demo.XXXXXX)
export DOCKER_CONFIG="$WORK/docker-config" # the registry login stays out of ~/.docker
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials" # no real profile
eval "$(node examples/lib/seed-testbed.mjs)"
cat >"$WORK/environment.json" <<JSON
{
  "region": "$AWS_REGION",
  "vpc": {
    "cidr": "10.10.0.0/16",
    "nat-gateway": { "elastic-ip-allocation-id": "$EIP_ALLOCATION_ID" },
    "subnets": {
      "public": { "subnet-1": { "cidr": "10.10.0.0/22" }, "subnet-2": { "cidr": "10.10.4.0/22" } },
      "private": { "subnet-1": { "cidr": "10.10.8.0/22" }, "subnet-2": { "cidr": "10.10.12.0/22" } }
    }
  },
  "cluster": {
    "min_instances": 1, "max_instances": 2, "spot_min_instances": 0, "spot_max_instances": 0,
    "instance_type": "t3.small", "key_name": "$KEY_NAME", "ami_id": "$AMI_PARAMETER",
    "ecs_instance_default_lifecycle_type": "ondemand", "allocation_strategy": "capacity-optimized"
  },
  "environment": { "notifications_arn": "$SNS_TOPIC_ARN", "ssl_certificate_arn": "$CERTIFICATE_ARN" },
  "service_defaults": {
    "logging": "awslogs",
    "fluentbit_config": { "image_uri": "amazon/aws-for-fluent-bit:stable", "env": { "kinesis_role_arn": "" } },
    "alb_mode": "dedicated",
    "disable_service_alarms": false
  }
}
JSON

# The app: examples/hello copied into its own git repository (deploy tags images with the commit sha), with the
# static busybox the FROM-scratch image runs.
mkdir -p "$WORK/$APP"
cp -R examples/hello/. "$WORK/$APP/"
cp "$(command -v busybox)" "$WORK/$APP/busybox"
cd "$WORK/$APP"
git init -q -b main
git -c user.name=demo -c user.email=demo@example.com add .
git -c user.name=demo -c user.email=demo@example.com commit -q -m "hello from cloudlift"

step "4/4 The Cloudlift flow (app folder: $WORK/$APP)"
run create_environment -e "$ENVIRONMENT" --config-file "$WORK/environment.json" --yes
# The variables first: create_service, like the original, builds the task definition's secrets from env.sample and
# refuses to start when Parameter Store lacks one of its keys.
run edit_config -e "$ENVIRONMENT" --set PORT=80 --set GREETING=hello --yes
run create_service -e "$ENVIRONMENT" --config-file cloudlift-service.json --yes
run deploy_service -e "$ENVIRONMENT" --build-arg GREETING "hello from the demo"
run get_version -e "$ENVIRONMENT"
run deploy_service -e "$ENVIRONMENT" # the same commit and config again: nothing to do

step "The app answers: its load balancer, as the testbed serves it on loopback"
# The container really runs (on the testbed's Docker engine) behind the service's ALB; the testbed serves each ALB
# listener on a loopback port, so this is the request a browser would send to https://hello.example.com/.
CURL=$(node "$ROOT/examples/lib/testbed-url.mjs" "$APP-$ENVIRONMENT" Web hello.example.com)
show "$CURL"
ANSWER=$(eval "$CURL")
printf '%s\n' "$ANSWER"
if [[ $ANSWER != *"Hello from cloudlift"* ]]; then
  echo "demo: the deployed app did not answer as expected" >&2
  exit 1
fi

cat >&2 <<EOF

Done. The emulator is still running; to try more commands in the app folder:
  cd $WORK/$APP
  eval "\$(node $ROOT/test/testbed/testbed.mjs env)"; export DOCKER_CONFIG=$DOCKER_CONFIG
  node $ROOT/bin/cloudlift.mjs get_version -e $ENVIRONMENT --json
  $CURL
Stop it with: node $ROOT/test/testbed/testbed.mjs stop
EOF
