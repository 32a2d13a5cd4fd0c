from registry.sources.web.crawl import WebSource

Source = WebSource
