# Sourced by the scripts that drive the real workbench in tmux (soak.sh, key-storm.sh):
# builds the release binary, empties the output folder, and gives a private tmux server
# (`tmux_`) that is killed when the script exits.
#   tmux_session NAME OUT   sets $binary and defines tmux_
tmux_session() {
    swift build -c release --product workbench >/dev/null
    binary="$(swift build -c release --show-bin-path)/workbench"
    rm -rf "$2" && mkdir -p "$2"
    socket="workbench-$1-$$"
    tmux_() { tmux -L "$socket" "$@"; }
    trap 'tmux_ kill-server 2>/dev/null || true' EXIT
}
