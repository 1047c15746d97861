// Starts GOV.UK Frontend 6 and MOJ Frontend 11 components on every page.
import { initAll as initGovukFrontend } from '/assets/govuk/govuk-frontend.min.js'
import { initAll as initMojFrontend } from '/assets/moj/moj-frontend.min.js'
initGovukFrontend()
initMojFrontend()
