package flows

// MapInputs lets the external tests read files without mapping them.
var MapInputs = &mapInputs
