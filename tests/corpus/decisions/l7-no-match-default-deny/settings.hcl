DefaultIntentionPolicy = "deny"
