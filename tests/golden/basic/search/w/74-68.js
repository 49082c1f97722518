SITEGEN_SEARCH_CHUNK("w/74-68",{"than":"3","that":"0","the":"0.1.2","this":"0.1.1.1"});
