@echo off
rem fitgap のオフラインインストール（Windows）。インターネットに接続せず、この一式の wheels だけで入れます。
rem   install.bat            … このフォルダの venv に fitgap を入れ、起動用の fitgap.bat を作ります
setlocal
chcp 65001 >nul
set "HERE=%~dp0"
set "PY=py -3"
where py >nul 2>nul || set "PY=python"
%PY% -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)" 2>nul
if errorlevel 1 (
  echo エラー: Python 3.11 以降が見つかりません。
  echo 対処: python.org の Windows 用インストーラで Python 3.11 以降を入れてから、もう一度実行してください。
  exit /b 1
)
echo ==^> 仮想環境を作ります: %HERE%venv
%PY% -m venv "%HERE%venv" || exit /b 1
echo ==^> fitgap を入れます（インターネットには接続しません）
set PIP_DISABLE_PIP_VERSION_CHECK=1
"%HERE%venv\Scripts\python.exe" -m pip install --no-index --find-links "%HERE%wheels" "fitgap[postgres]" || exit /b 1
> "%HERE%fitgap.bat" echo @echo off
>> "%HERE%fitgap.bat" echo chcp 65001 ^>nul
>> "%HERE%fitgap.bat" echo set PYTHONUTF8=1
>> "%HERE%fitgap.bat" echo "%HERE%venv\Scripts\fitgap.exe" %%*
call "%HERE%fitgap.bat" --version
echo できました。%HERE%fitgap.bat で起動します（Windows Terminal で、幅 100・高さ 30 以上の画面にしてください）。
endlocal
