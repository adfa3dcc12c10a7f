// Tells govuk-frontend that JavaScript runs and ES modules are supported (see its docs).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
