"""HTTP interface of Sáng tạo: app factory, controllers, guards, i18n and admin mount."""
