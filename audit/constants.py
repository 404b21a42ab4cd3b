"""The actions an access-log row records (the values of AccessLog.Action)."""

VIEW = "view"
EXPORT = "export"
PRINT = "print"
SEND = "send"
IMPORT = "import"
