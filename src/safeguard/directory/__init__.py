"""The partnership's public face: services directory (Open Referral UK), news, events, newsletter."""
