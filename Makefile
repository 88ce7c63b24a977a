# The two set-up commands of the README: `make serve` and `make test`. Both first install the Debian
# packages a fresh machine lacks (C library headers, PostgreSQL for the state-store tests, promtool, Alertmanager).
APT_PACKAGES := libcurl4-openssl-dev libssl-dev prometheus prometheus-alertmanager curl libsqlite3-dev libpq-dev postgresql

.PHONY: deps serve test lint bench

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

serve: deps
	swift run -c release riskd serve

test: deps
	swift build --product riskd
	swift test

lint:
	swift format lint -r Sources Tests
