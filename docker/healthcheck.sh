#!/bin/bash
# Docker HEALTHCHECK for the northflank-mock image: exit 0 when GET /_mock/health on $PORT answers 200.
# Bash alone, through its /dev/tcp redirection
# (https://www.gnu.org/software/bash/manual/html_node/Redirections.html): no curl or wget in the image,
# and no Node process started for each check.
#
# Docker runs the first check one interval after the container starts (engines before 25 have no
# --start-interval). A check therefore waits, up to 10 s, for the port to accept a connection, so that the
# first one passes as soon as the server listens instead of failing and leaving it to the next interval.
# A running server accepts at once; a server that accepts but does not answer fails after 2 s.
port=${PORT:-8080}
deadline=$((SECONDS + 10))
until { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; do
  ((SECONDS < deadline)) || { echo "healthcheck: nothing listens on 127.0.0.1:$port" >&2; exit 1; }
  sleep 0.05
done
printf 'GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 2 status <&3 || { echo "healthcheck: no answer from 127.0.0.1:$port" >&2; exit 1; }
[[ $status == "HTTP/1.1 200 "* ]] || { echo "healthcheck: ${status%$'\r'}" >&2; exit 1; }
