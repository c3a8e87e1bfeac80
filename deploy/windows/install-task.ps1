# Registers (or with -Remove, unregisters) the EnergiTech Cockpit background service on Windows:
# the scheduled task of energitech-cockpit-task.xml, for the current user, pointing at the
# installed cockpit.exe (per-user install under %LOCALAPPDATA%, else per-machine under Program
# Files). Run in PowerShell as the user:  .\install-task.ps1   (docs/ci-cd.md)
param([switch]$Remove)
$ErrorActionPreference = 'Stop'
$name = 'EnergiTech Cockpit'
if ($Remove) {
  Unregister-ScheduledTask -TaskName $name -Confirm:$false
  Write-Output "Scheduled task '$name' removed."
  exit 0
}
$candidates = @(
  (Join-Path $env:LOCALAPPDATA 'EnergiTech Cockpit\cockpit.exe'),
  (Join-Path $env:ProgramFiles 'EnergiTech Cockpit\cockpit.exe')
)
$exe = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $exe) {
  Write-Error "cockpit.exe not found in: $($candidates -join ', '). Install EnergiTech Cockpit first."
  exit 3
}
$xml = Get-Content -Raw -Path (Join-Path $PSScriptRoot 'energitech-cockpit-task.xml')
$xml = $xml.Replace('%LOCALAPPDATA%\EnergiTech Cockpit\cockpit.exe', $exe)
Register-ScheduledTask -TaskName $name -Xml $xml -Force | Out-Null
Start-ScheduledTask -TaskName $name
Write-Output "Scheduled task '$name' registered and started: $exe watch --serve at each logon."
