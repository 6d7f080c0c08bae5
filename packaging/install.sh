#!/bin/sh
# fitgap のオフラインインストール（Linux）。インターネットに接続せず、この一式の wheels だけで入れます。
#   ./install.sh            … このフォルダの venv に fitgap を入れ、起動用の ./fitgap を作ります
#   PYTHON=python3.12 ./install.sh   … 使う Python を指定（3.11 以降）
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "エラー: Python 3.11 以降が見つかりません（$py）。" >&2
    echo "対処: Python 3.11 以降を入れるか、PYTHON=python3.12 ./install.sh のように指定してください。" >&2
    exit 1
fi
echo "==> 仮想環境を作ります: $here/venv"
"$py" -m venv "$here/venv"
echo "==> fitgap を入れます（インターネットには接続しません）"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$here/venv/bin/python" -m pip install --no-index --find-links "$here/wheels" "fitgap[postgres]"
cat > "$here/fitgap" <<LAUNCH
#!/bin/sh
exec "$here/venv/bin/fitgap" "\$@"
LAUNCH
chmod +x "$here/fitgap"
"$here/fitgap" --version
echo "できました。$here/fitgap で起動します（PATH の通ったフォルダに置くと fitgap だけで起動できます）。"
