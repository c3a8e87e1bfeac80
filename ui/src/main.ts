document.getElementById("app")!.textContent = "EnergiTech Cockpit";
