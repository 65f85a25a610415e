# Sourced by bench-board.sh and profile-board.sh: `board_fixture BASE TASKS` signs up a
# member at the sayr at BASE, creates the org `bench` with TASKS tasks over REST (four
# statuses, one priority) and sets `cookie` to the member's session cookie.
board_fixture() {
  local base=$1 tasks=$2
  cookie=$(curl -s -D - -o /dev/null -H 'content-type: application/json' \
    -d '{"email":"bench@example.test","password":"correct horse battery","name":"Bench"}' \
    "$base/api/auth/signup" | tr -d '\r' | sed -n 's/^set-cookie: \(sayr_session=[^;]*\).*/\1/Ip')
  api() { curl -sf -H 'content-type: application/json' -H "cookie: $cookie" "$@" >/dev/null; }
  api -d '{"name":"Bench","slug":"bench","shortId":"BEN"}' "$base/api/v1/orgs"
  local statuses=(backlog todo in-progress done)
  for i in $(seq "$tasks"); do
    api -d "{\"title\":\"Task number $i with a realistic title\",\"status\":\"${statuses[$((i % 4))]}\",\"priority\":\"medium\"}" \
      "$base/api/v1/orgs/bench/tasks"
  done
}
