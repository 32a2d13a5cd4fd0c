from connectors.sources.web.crawl import WebSource

Source = WebSource
