"""The trigger-point catalogue as pure domain values: muscles, trigger points, zones, conditions."""
