// Marks the page as having JavaScript so GOV.UK Frontend components enhance themselves.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
