package status

// StatusRun lets the external tests run status with their own clock and
// pause in Options.
var StatusRun = statusRun
