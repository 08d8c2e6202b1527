"""The area profile (gebiedsprofiel) and areas side by side."""
