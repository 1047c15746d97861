// GOV.UK-style timeout warning: two minutes before the 30-minute idle sign-out,
// ask the person whether they want to stay signed in. The server enforces the
// timeout whatever this script does.
(function () {
  'use strict'
  var dialog = document.getElementById('timeout-warning')
  if (!dialog || typeof dialog.showModal !== 'function') { return }
  var idle = parseInt(dialog.getAttribute('data-idle-seconds'), 10) * 1000
  var warn = parseInt(dialog.getAttribute('data-warn-seconds'), 10) * 1000
  var countdown = dialog.querySelector('.sg-timeout-countdown')
  var warnTimer, signOutTimer, tickTimer, deadline

  function minutesText (ms) {
    var seconds = Math.max(0, Math.round(ms / 1000))
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60)
      return minutes + (minutes === 1 ? ' minute' : ' minutes')
    }
    return seconds + (seconds === 1 ? ' second' : ' seconds')
  }

  // Signing out is a POST with the form's CSRF token, never a link another site could follow.
  var signingOut = false
  function signOut () {
    if (signingOut) { return }
    signingOut = true
    window.clearTimeout(warnTimer); window.clearTimeout(signOutTimer); window.clearInterval(tickTimer)
    var form = document.getElementById('timeout-sign-out')
    form.elements.timeout.value = '1'
    form.submit()
  }

  function showWarning () {
    deadline = Date.now() + warn
    countdown.textContent = minutesText(warn)
    dialog.showModal()
    tickTimer = window.setInterval(function () { countdown.textContent = minutesText(deadline - Date.now()) }, 15000)
    signOutTimer = window.setTimeout(signOut, warn)
  }

  function start () {
    window.clearTimeout(warnTimer); window.clearTimeout(signOutTimer); window.clearInterval(tickTimer)
    warnTimer = window.setTimeout(showWarning, Math.max(0, idle - warn))
  }

  function staySignedIn () {
    fetch(dialog.getAttribute('data-keep-alive-url'), { credentials: 'same-origin', headers: { 'X-Requested-With': 'fetch' } })
      .then(function (response) { if (!response.ok) { signOut() } })
      .catch(function () {})
    dialog.close()
    start()
  }

  dialog.querySelector('.sg-timeout-stay').addEventListener('click', staySignedIn)
  // Escape closes the warning: treat it as "Stay signed in" (as the GOV.UK
  // timeout pattern does), so keyboard users are not signed out by the server
  // while the page says they are still signed in.
  dialog.addEventListener('cancel', function (event) { event.preventDefault(); staySignedIn() })
  start()
})()
